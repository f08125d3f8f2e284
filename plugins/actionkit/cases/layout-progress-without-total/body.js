onProgressLoaded({"goal": 20000, "goal_type": "actions", "time": 1722500000.5, "age": 3.0});
