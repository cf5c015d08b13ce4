from calmlink.cli import main

main()
