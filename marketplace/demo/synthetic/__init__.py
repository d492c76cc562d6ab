"""The parts of the national data set (``marketplace.demo.national`` runs them): sinks, population,
rows, history, verification."""
