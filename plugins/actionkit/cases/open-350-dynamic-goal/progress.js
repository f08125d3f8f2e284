onProgressLoaded({"total": {"actions": 1864}, "recent": {"actions": 37}, "goal": 1, "goal_type": "actions", "time": 1731410101.02, "age": 12.9});
