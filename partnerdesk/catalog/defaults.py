"""The minimal catalog every workspace starts with: (code, name, parent code)."""

DEFAULT_SERVICES: list[tuple[str, str, str | None]] = [
    ("azure", "Microsoft Azure", None),
    ("m365", "Microsoft 365", None),
    ("exchange-online", "Exchange Online", "m365"),
    ("sharepoint-online", "SharePoint Online", "m365"),
    ("onedrive", "OneDrive for Business", "m365"),
    ("teams", "Microsoft Teams", "m365"),
    ("entra-id", "Microsoft Entra ID", "m365"),
    ("intune", "Microsoft Intune", "m365"),
    ("m365-apps", "Microsoft 365 Apps", "m365"),
    ("dynamics-365", "Dynamics 365", None),
    ("ems", "Enterprise Mobility + Security", None),
    ("on-premises", "On-premises products", None),
    ("other", "Other", None),
]
