from wheelkeep.cli.main import main

main()
