"""Column specifications of the CRM objects jobshift imports: names, types, required, aliases.

Each object has canonical snake_case columns (docs/import-formats.md), a value type per column
(``str``, ``bool``, ``int``, ``float``, ``date``, ``datetime``), and the header aliases recognized
without configuration: Salesforce API names (``AccountId``, ``HasOptedOutOfEmail``) and the labels
of Salesforce report exports where they are unambiguous (``Account ID``, ``First Name``).
Header matching ignores case, spaces, underscores and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jobshift.errors import UsageError

ID_LEN = 64
SHORT = 40


@dataclass(frozen=True)
class ColumnSpec:
    """One importable column."""

    name: str
    type: str = "str"
    required: bool = False
    max_len: int | None = None
    key: bool = False
    """A record id or a reference to one: a Salesforce id in it becomes its 18-character form."""


@dataclass(frozen=True)
class ObjectSpec:
    """One CRM object: its table, canonical file, key, columns, derived columns and references."""

    name: str
    file_name: str
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    references: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(column, tables it may point to): checked after import, dangling ones reported."""

    @property
    def table(self) -> str:
        """The store table of this object."""
        return self.name

    def column(self, name: str) -> ColumnSpec:
        """The spec of column ``name`` (KeyError if unknown)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Canonical importable column names, in spec order."""
        return tuple(c.name for c in self.columns)


def squash(header: str) -> str:
    """The matching key of a header: lower-case letters and digits only (``"First Name"`` → ``firstname``)."""
    return re.sub(r"[^0-9a-z]", "", header.lower())


def _id(name: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, "str", required, ID_LEN, key=True)


def _s(name: str, required: bool = False, max_len: int | None = None) -> ColumnSpec:
    return ColumnSpec(name, "str", required, max_len)


def _t(name: str, type_: str) -> ColumnSpec:
    return ColumnSpec(name, type_)


_COMMON = {"Id": "id", "OwnerId": "owner_id", "CreatedDate": "created_at", "Created Date": "created_at"}

# HubSpot export headers (CRM → Contacts / Companies / Deals → Export). "Record ID" is HubSpot's id; the
# owner columns hold the owner's name in an export (import users with those names as ids, or map them).
_HS_COMMON = {"Record ID": "id", "Create Date": "created_at"}
_HS_ACCOUNTS = {
    **_HS_COMMON,
    "Company name": "name",
    "Company Domain Name": "website",
    "Company owner": "owner_id",
    "Number of Employees": "employees",
    "Country/Region": "country",
    "State/Region": "state",
    "Parent Company ID": "parent_id",
    "Target Account": "is_target",
}
_HS_CONTACTS = {
    **_HS_COMMON,
    "First Name": "first_name",
    "Last Name": "last_name",
    "Job Title": "title",
    "Phone Number": "phone",
    "Contact owner": "owner_id",
    "Lifecycle Stage": "status",
    "Country/Region": "country",
    "State/Region": "state",
    "LinkedIn URL": "linkedin_url",
    "Associated Company ID": "account_id",
    "Associated Company IDs": "account_id",
    "Associated Company IDs (Primary)": "account_id",
    "Primary Associated Company ID": "account_id",
    "Unsubscribed from all email": "email_opt_out",
}
_HS_DEALS = {
    **_HS_COMMON,
    "Deal Name": "name",
    "Deal Stage": "stage",
    "Deal Type": "type",
    "Deal owner": "owner_id",
    "Deal probability": "probability",
    "Is Closed Won": "is_won",
    "Is Deal Closed?": "is_closed",
    "Associated Company ID": "account_id",
    "Associated Company IDs": "account_id",
    "Associated Company IDs (Primary)": "account_id",
    "Original Source Type": "lead_source",
}
_HS_LEADS = {
    **_HS_COMMON,
    "Job Title": "title",
    "Associated Company": "company",
    "Company Name": "company",
    "Contact owner": "owner_id",
    "Lead Status": "status",
}
_HS_USERS = {"Owner ID": "id", "User ID": "id", "Team": "role", "Primary team": "role"}

ACCOUNTS = ObjectSpec(
    name="accounts",
    file_name="accounts.csv",
    key=("id",),
    columns=(
        _id("id", True),
        _s("name", True),
        _s("website"),
        _s("type", max_len=SHORT),
        _s("segment", max_len=SHORT),
        _id("owner_id"),
        _id("bdr_id"),
        _id("renewal_manager_id"),
        _t("is_target", "bool"),
        _id("parent_id"),
        _s("industry"),
        _t("employees", "int"),
        _s("country"),
        _s("state"),
        _t("created_at", "datetime"),
    ),
    aliases={
        **_COMMON,
        "Account ID": "id",
        "Name": "name",
        "Account Name": "name",
        "Website": "website",
        "Type": "type",
        "Account Type": "type",
        "Segment__c": "segment",
        "Industry": "industry",
        "NumberOfEmployees": "employees",
        "Employees": "employees",
        "BillingCountry": "country",
        "Billing Country": "country",
        "BillingState": "state",
        "Billing State/Province": "state",
        "ParentId": "parent_id",
        "Parent Account ID": "parent_id",
        "Account Owner ID": "owner_id",
        "Is_Target__c": "is_target",
        "Target_Account__c": "is_target",
        "BDR__c": "bdr_id",
        "Renewal_Manager__c": "renewal_manager_id",
        **_HS_ACCOUNTS,
    },
    derived=("domain",),
    references=(
        ("owner_id", ("users",)),
        ("bdr_id", ("users",)),
        ("renewal_manager_id", ("users",)),
        ("parent_id", ("accounts",)),
    ),
)

CONTACTS = ObjectSpec(
    name="contacts",
    file_name="contacts.csv",
    key=("id",),
    columns=(
        _id("id", True),
        _id("account_id"),
        _s("first_name"),
        _s("last_name", True),
        _s("email"),
        _s("title"),
        _s("linkedin_url"),
        _s("phone"),
        _s("country"),
        _s("state"),
        _id("owner_id"),
        _t("email_opt_out", "bool"),
        _t("no_longer_at_company", "bool"),
        _t("no_longer_at_company_at", "datetime"),
        _s("status", max_len=SHORT),
        _s("disqualified_reason"),
        _t("created_at", "datetime"),
    ),
    aliases={
        **_COMMON,
        "Contact ID": "id",
        "AccountId": "account_id",
        "Account ID": "account_id",
        "FirstName": "first_name",
        "LastName": "last_name",
        "Email": "email",
        "Title": "title",
        "Phone": "phone",
        "MailingCountry": "country",
        "Mailing Country": "country",
        "MailingState": "state",
        "Mailing State/Province": "state",
        "Contact Owner ID": "owner_id",
        "HasOptedOutOfEmail": "email_opt_out",
        "Email Opt Out": "email_opt_out",
        "LinkedIn_URL__c": "linkedin_url",
        "LinkedIn__c": "linkedin_url",
        "LinkedIn URL": "linkedin_url",
        "LinkedIn_Profile__c": "linkedin_url",
        "No_Longer_at_Company__c": "no_longer_at_company",
        "Status__c": "status",
        "Contact_Status__c": "status",
        **_HS_CONTACTS,
    },
    derived=("email_norm", "linkedin_norm"),
    references=(("account_id", ("accounts",)), ("owner_id", ("users",))),
)

OPPORTUNITIES = ObjectSpec(
    name="opportunities",
    file_name="opportunities.csv",
    key=("id",),
    columns=(
        _id("id", True),
        _id("account_id", True),
        _s("name"),
        _s("stage", True),
        _s("type", max_len=SHORT),
        _t("is_closed", "bool"),
        _t("is_won", "bool"),
        _t("probability", "float"),
        _t("amount", "float"),
        _t("created_at", "datetime"),
        _t("close_date", "date"),
        _id("owner_id"),
        _s("lead_source"),
    ),
    aliases={
        **_COMMON,
        "Opportunity ID": "id",
        "AccountId": "account_id",
        "Account ID": "account_id",
        "Name": "name",
        "Opportunity Name": "name",
        "StageName": "stage",
        "Stage": "stage",
        "Type": "type",
        "Opportunity Type": "type",
        "IsClosed": "is_closed",
        "Closed": "is_closed",
        "IsWon": "is_won",
        "Won": "is_won",
        "Probability": "probability",
        "Probability (%)": "probability",
        "Amount": "amount",
        "CloseDate": "close_date",
        "Close Date": "close_date",
        "LeadSource": "lead_source",
        "Lead Source": "lead_source",
        "Opportunity Owner ID": "owner_id",
        **_HS_DEALS,
    },
    derived=("stage_number",),
    references=(("account_id", ("accounts",)), ("owner_id", ("users",))),
)

ROLES = ObjectSpec(
    name="opportunity_contact_roles",
    file_name="opportunity_contact_roles.csv",
    key=("opportunity_id", "contact_id"),
    columns=(
        _id("opportunity_id", True),
        _id("contact_id", True),
        _s("role"),
        _t("is_primary", "bool"),
        _t("created_at", "datetime"),
    ),
    aliases={
        "OpportunityId": "opportunity_id",
        "Opportunity ID": "opportunity_id",
        "ContactId": "contact_id",
        "Contact ID": "contact_id",
        "Role": "role",
        "Contact Role": "role",
        "IsPrimary": "is_primary",
        "Primary": "is_primary",
        "CreatedDate": "created_at",
        "Created Date": "created_at",
    },
    references=(("opportunity_id", ("opportunities",)), ("contact_id", ("contacts",))),
)

USERS = ObjectSpec(
    name="users",
    file_name="users.csv",
    key=("id",),
    columns=(
        _id("id", True),
        _s("name", True),
        _s("email"),
        _s("role", True, SHORT),
        _s("segment", max_len=SHORT),
        _s("region", max_len=SHORT),
        _s("slack_user_id", max_len=ID_LEN),
        _t("active", "bool"),
        _id("manager_id"),
    ),
    aliases={
        "Id": "id",
        "User ID": "id",
        "Name": "name",
        "Full Name": "name",
        "Email": "email",
        "Role__c": "role",
        "Sales_Role__c": "role",
        "Segment__c": "segment",
        "Region__c": "region",
        "Slack_User_ID__c": "slack_user_id",
        "IsActive": "active",
        "Active": "active",
        "ManagerId": "manager_id",
        "Manager ID": "manager_id",
        **_HS_USERS,
    },
    references=(("manager_id", ("users",)),),
)

LEADS = ObjectSpec(
    name="leads",
    file_name="leads.csv",
    key=("id",),
    columns=(
        _id("id", True),
        _s("first_name"),
        _s("last_name", True),
        _s("email"),
        _s("company"),
        _s("title"),
        _s("linkedin_url"),
        _s("status", max_len=SHORT),
        _s("lead_source"),
        _id("owner_id"),
        _t("created_at", "datetime"),
        _id("converted_contact_id"),
        _id("converted_account_id"),
        _id("converted_opportunity_id"),
    ),
    aliases={
        **_COMMON,
        "Lead ID": "id",
        "FirstName": "first_name",
        "First Name": "first_name",
        "LastName": "last_name",
        "Last Name": "last_name",
        "Email": "email",
        "Company": "company",
        "Company / Account": "company",
        "Title": "title",
        "LinkedIn_URL__c": "linkedin_url",
        "LinkedIn__c": "linkedin_url",
        "LinkedIn URL": "linkedin_url",
        "Status": "status",
        "Lead Status": "status",
        "LeadSource": "lead_source",
        "Lead Source": "lead_source",
        "Lead Owner ID": "owner_id",
        "ConvertedContactId": "converted_contact_id",
        "ConvertedAccountId": "converted_account_id",
        "ConvertedOpportunityId": "converted_opportunity_id",
        **_HS_LEADS,
    },
    derived=("email_norm", "linkedin_norm"),
    references=(("owner_id", ("users",)),),
)

ACTIVITIES = ObjectSpec(
    name="activities",
    file_name="activities.csv",
    key=("id",),
    columns=(
        _id("id", True),
        _id("who_id", True),
        _s("type", True, 20),
        ColumnSpec("occurred_at", "datetime", True),
        _id("owner_id"),
        _s("subject"),
        _id("opportunity_id"),
    ),
    aliases={
        "Id": "id",
        "Activity ID": "id",
        "WhoId": "who_id",
        "Type": "type",
        "TaskSubtype": "type",
        "ActivityDate": "occurred_at",
        "ActivityDateTime": "occurred_at",
        "Date": "occurred_at",
        "OwnerId": "owner_id",
        "Assigned To ID": "owner_id",
        "Subject": "subject",
        "WhatId": "opportunity_id",
    },
    references=(("who_id", ("contacts", "leads")), ("owner_id", ("users",))),
)
OBJECTS: dict[str, ObjectSpec] = {
    s.name: s for s in (USERS, ACCOUNTS, CONTACTS, OPPORTUNITIES, ROLES, LEADS, ACTIVITIES)
}
"""Every importable object, in dependency order (the order of ``jobshift import all``)."""

OBJECT_ALIASES = {"roles": "opportunity_contact_roles", "contact_roles": "opportunity_contact_roles"}


def resolve_object(name: str) -> ObjectSpec:
    """The spec of a CRM object by name (``roles`` is accepted for ``opportunity_contact_roles``)."""
    key = name.strip().lower().replace("-", "_")
    key = OBJECT_ALIASES.get(key, key)
    if key not in OBJECTS:
        raise UsageError(f"unknown CRM object {name!r}; expected one of: {', '.join(OBJECTS)}, roles")
    return OBJECTS[key]
