"""What the case workflow refuses, and why."""


class WorkflowError(ValueError):
    """An action the workflow does not allow; the message says why."""


class PermissionDenied(WorkflowError):
    """The actor's role does not allow the action."""
