"""Trade-flow intelligence: official trade statistics in one harmonised table, and detectors
that read diversion's footprints from it (surges, roundabout routes, mirror gaps, unit values,
policy impact)."""
