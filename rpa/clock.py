"""Vietnam time.

The province, the ministry, the legal deadlines and the daily report all count days in
Asia/Ho_Chi_Minh, whatever zone the machine itself runs in (servers and CI often run in UTC,
where 00:00-07:00 in Vietnam is still "yesterday").
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["VN", "vn_now", "vn_today"]

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_now() -> datetime:
    """The current moment in Vietnam (time-zone aware)."""
    return datetime.now(VN)


def vn_today() -> date:
    """Today's date in Vietnam."""
    return vn_now().date()
