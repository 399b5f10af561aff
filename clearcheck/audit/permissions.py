"""What reading the audit trail takes. Audit sits below accounts and knows no role: the accounts app grants
this permission by role (``accounts.choices.ROLE_PERMISSIONS``), and readers ask ``user.has_perm``.
"""

# The whole trail, page and API (the bureau and discipline inspection).
READ_TRAIL = "audit.read_trail"
