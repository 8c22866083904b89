"""An independent labelled image generator for the verifier (`python -m bench.alt_synth DIR --n N --seed S`).

Written without verifier/synth so that `python -m verifier evaluate DIR` can show how far the checks carry to
documents drawn by someone else: real ID card layout, relief-shaded portraits, embossed bank cards, printed
application tables with stamp-ink seals, photos through a pinhole camera model, scans, photocopies, EXIF turns.
Only verifier.checksums is shared (to make numbers that pass or fail GB 11643 / Luhn on purpose).
"""
