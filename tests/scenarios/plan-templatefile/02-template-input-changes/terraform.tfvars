hosts = ["a.example", "c.example"]
