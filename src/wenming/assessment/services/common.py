"""What every write of the app shares: the file limit, text cleaning, the office-admin check, id lists."""

from wenming.assessment import permissions
from wenming.assessment.codes import Code
from wenming.core import workflow
from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.core.inputs import record_id

MAX_FILES = 9


_text = workflow.text


def _require_office_admin(actor):
    if not permissions.is_office_admin(actor):
        raise ActionForbidden("只有文明办管理员可以执行此操作", code=Code.OFFICE_ONLY)


def _ids(values, field: str) -> list[int]:
    out = []
    for v in values or []:
        number = record_id(v)
        if number is None:
            raise InvalidInput("输入有误", errors={field: [f"无法识别「{str(v)[:20]}」"]})
        out.append(number)
    return list(dict.fromkeys(out))
