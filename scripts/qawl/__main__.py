from qawl.cli import main

main()
