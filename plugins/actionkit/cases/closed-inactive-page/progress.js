onProgressLoaded({"total": {"actions": 71402}, "recent": {"actions": 0}, "goal": 75000, "goal_type": "actions", "time": 1709290000.7, "age": 58.1});
