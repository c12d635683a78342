"""The AWS CLI and its world: argv, aliases, config and profiles, the files it keeps, its environment, what each operation does, and who a profile really is."""
