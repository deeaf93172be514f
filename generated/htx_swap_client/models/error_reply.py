from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_status import ErrorStatus, check_error_status

T = TypeVar("T", bound="ErrorReply")


@_attrs_define
class ErrorReply:
    """The whole request was rejected; nothing was done.

    Attributes:
        status (ErrorStatus): The result of server handling to request: `error`, the whole request failed. Example:
            error.
        err_code (int): Why the request failed: an open set of integers. The known codes, with their meaning and whether
            a retry may help, are listed in `x-htx-error-codes` (e.g. 1032 rate limit, 1014 unknown contract, 403, 1253 and
            12001 to 12008 authentication).
        err_msg (str): error msg
        ts (int): Time of Respond Generation, Unit: Millisecond
    """

    status: ErrorStatus
    err_code: int
    err_msg: str
    ts: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str = self.status

        err_code = self.err_code

        err_msg = self.err_msg

        ts = self.ts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "err_code": err_code,
                "err_msg": err_msg,
                "ts": ts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = check_error_status(d.pop("status"))

        err_code = d.pop("err_code")

        err_msg = d.pop("err_msg")

        ts = d.pop("ts")

        error_reply = cls(
            status=status,
            err_code=err_code,
            err_msg=err_msg,
            ts=ts,
        )

        error_reply.additional_properties = d
        return error_reply

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
