"""The live loop: routines and their step clock, straps by role, the session controller, commit
acknowledgements and the feed's events. Imports the store and review; nothing from api/ or cli/."""
