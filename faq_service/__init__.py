"""ThamTob's FAQ service.

Thread settings for the numeric libraries are set here, before anything imports numpy, because
OpenBLAS and OpenMP read them only when they load. The query encoders already use both cores; what
hurt was threads that keep spinning after their work is done: OpenBLAS's workers spin for about 2^28
cycles after every product, and OpenMP's by default too, taking the cores from the request handling
and the next encode. Measured (bench/speed.py, 16 concurrent /ask): 51 questions/s with the
defaults, 62 with both set to sleep at once. An operator's own values win (setdefault)."""
import os

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # the minimum: 2^4 cycles
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
