"""Made-up worlds for showing and load-testing xuebu: `xuebu seed-demo` (seed.py) and `xuebu seed-load` (loadworld.py)."""
