"""The periodic jobs (a name kept for Celery's task and older callers): the registry lives in
onestop.core.jobs and each app fills it in its `AppConfig.ready`."""

from onestop.core.jobs import JOBS, Job, run_job

__all__ = ["JOBS", "Job", "run_job"]
