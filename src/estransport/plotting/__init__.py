"""Figures of the paper, sharing one matplotlib style (:mod:`.style`)."""
