from graphengine.cli import main

main()
