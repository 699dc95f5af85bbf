"""Speed and memory benchmarks for iptcare (`make bench`, entry point bench/run.py)."""
