"""Quality checks (质检): company scoring standards, reproducible random samples of the
dispatchers' work, scores per item by a reviewer, one appeal decided by a supervisor."""
