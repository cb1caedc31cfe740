"""The monitor analyses; each module exposes ``run(ctx) -> AnalysisResult``."""
