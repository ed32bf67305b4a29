"""Sandbox copy of the national business-registration online filing portal (dangkyquamang.dkkd.gov.vn,
ASP.NET WebForms), system name ``dkkd``. See README.md for the page contract."""
