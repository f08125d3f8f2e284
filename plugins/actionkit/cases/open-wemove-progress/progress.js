onProgressLoaded({"total": {"actions": 23817}, "recent": {"actions": 412}, "goal": 50000, "goal_type": "actions", "time": 1715600412.48, "age": 31.7});
