"""Every table of the portal, imported in one place for Alembic and tests."""

from marketplace.accounts.drafts import FormDraft
from marketplace.accounts.models import Account, AccountCode, Language, LoginAttempt, Person, Region, Role, Sex
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.audit.models import AuditEvent, IdempotencyKey
from marketplace.catalog.models import ClassifierItem, DeliveryOption, ItemCategory, ItemKind, Listing, ListingRegion
from marketplace.catalog.models import ListingStatus, Provider, ProviderRegion, SearchIndexVersion, SearchOutbox, Unit
from marketplace.catalog.models import VerificationStatus
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim, Receipt
from marketplace.db import Base
from marketplace.documents.models import DocumentSubject, ResultDocument
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order, OrderStatus, Review, ServiceLog, ServiceLogStatus
from marketplace.quotes.models import Quote, QuoteStatus
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, EntitlementSource
from marketplace.records.models import EntitlementStatus, ExamFormat, RecordStatus
from marketplace.records.uploads import IrpUpload, IrpUploadError
from marketplace.transport.models import Trip, TripStatus, Vehicle

__all__ = [
    "IrpUpload", "IrpUploadError",
    "Account", "AccountCode", "FormDraft", "Application", "DocumentSubject", "ResultDocument", "ApplicationKind", "ApplicationStatus", "AuditEvent", "Base",
    "ClaimKind", "ClaimStatus", "ClassifierItem", "CompensationClaim", "DeliveryOption",
    "DisabilityGroup", "DisabilityRecord", "Entitlement", "EntitlementSource", "EntitlementStatus",
    "ExamFormat", "IdempotencyKey", "ItemCategory", "ItemKind", "Language", "Listing",
    "ListingRegion", "ListingStatus", "LoginAttempt", "Notification", "Order", "OrderStatus",
    "Person", "Provider", "ProviderRegion", "Quote", "QuoteStatus", "Receipt", "RecordStatus", "Region", "Review", "Role",
    "SearchIndexVersion", "SearchOutbox", "ServiceLog", "ServiceLogStatus", "Sex", "Trip", "TripStatus", "Unit",
    "Vehicle", "VerificationStatus",
]
