onProgressLoaded({"total": {"actions": 5230}, "recent": {"actions": 0}, "goal": 10000, "goal_type": "actions", "time": 1719828000.0, "age": 300.4});
