"""Trainees (学员): the pipeline from the day's registration sheet (学员登记表) through the
health check (体检, 健康证), platform certification (58到家认证), group interviews (群面会) and
hospital internship (医院实习) to graduation into a worker (阿姨)."""
