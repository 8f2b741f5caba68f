hosts = ["a.example", "b.example"]
