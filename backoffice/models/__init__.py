"""All tables; importing this module registers them on db.metadata."""
from .application import Applicant, Application, Document, VerificationResult  # noqa: F401
from .org import AdminPermission, AdminUser, Invitation, Organisation  # noqa: F401
from .programme import Batch, FundingLine, Programme, batch_roster_batches  # noqa: F401
from .review import (  # noqa: F401
    Appeal, AuditEvent, Disbursement, PaymentBatch, PublicNotice, ReviewAction, ReviewJob, Transfer,
)
from .notification import Notification  # noqa: F401
from .roster import RosterBatch, RosterEntry  # noqa: F401
from .tally import ApplicationTally, ApplicationTallyDelta  # noqa: F401
