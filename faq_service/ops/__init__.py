"""Production concerns: limits, security headers, logs with request ids, metrics."""
