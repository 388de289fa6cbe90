"""One module per chapter; importing this package registers every Experiment class."""

from atoms.experiments.universal_approximation import UniversalApproximation

__all__ = ["UniversalApproximation"]
