"""The accounts a sandbox ministry portal lets in: a table of its SQLite file, seeded with defaults."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Account", "AccountRow", "AccountsBase"]


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    display_name: str
    province_code: str


class AccountsBase(DeclarativeBase):
    pass


class AccountRow(AccountsBase):
    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(2))

    def account(self) -> Account:
        return Account(self.username, self.password, self.display_name, self.province_code)
