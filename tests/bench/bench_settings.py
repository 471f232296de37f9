"""Production settings plus a benchmark URLconf with the bare reference view.

Only the benchmark suite uses this module; the product's URLs stay as they are.
"""

from vision.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.bench_urls"
