from ietm.cli import main

main()
