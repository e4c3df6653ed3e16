"""Partnership configuration: one folder per partnership, each with a partnership.yaml.

A deployment serves one partnership, chosen by the ONEPANEL_PARTNERSHIP environment
variable. Everything that differs between partnerships (agencies, quorum, time limits,
boards, branding) is read from its file; no code asks which partnership it is.
"""

from partnerships.model import (
    Agency,
    Board,
    Partnership,
    PartnershipConfigError,
    QuorumRequirement,
    Sector,
    available_partnerships,
    load_partnership,
)

__all__ = [
    "Agency",
    "Board",
    "Partnership",
    "PartnershipConfigError",
    "QuorumRequirement",
    "Sector",
    "available_partnerships",
    "load_partnership",
]
