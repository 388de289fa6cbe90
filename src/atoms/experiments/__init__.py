"""One module per chapter, each registering its Experiment class when imported.

Nothing is imported with the package itself, so that checking one chapter's parameters loads
that chapter alone; `every_experiment()` in `atoms.experiment` imports them all.
"""
