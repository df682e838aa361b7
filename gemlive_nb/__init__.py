"""gemlive_nb: Gemini Live in Jupyter notebooks."""

__all__: list[str] = []
