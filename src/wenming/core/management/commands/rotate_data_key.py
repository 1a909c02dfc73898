"""Re-encrypt every protected value (phones, ID numbers …) with the current data key.

To rotate: put the new key first in WENMING_DATA_KEY, keeping the old one after it
(WENMING_DATA_KEY=new,old), run `wenming rotate_data_key`, then drop the old key. Values already
under the current key are left alone, so running it again changes nothing; each table is
rewritten in batches of one transaction each. docs/DEPLOYMENT.md has the whole procedure.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from wenming.core.crypto import ProtectedField, is_current, reencrypt

BATCH = 500


class Command(BaseCommand):
    help = "用当前数据密钥重新加密所有受保护的个人信息（手机号、身份证号等）"

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, ProtectedField)]
            for field in fields:
                done = self._rotate(model, field)
                if done:
                    self.stdout.write(f"{model._meta.label}.{field.name}: {done}")
                total += done
        self.stdout.write(f"已用当前密钥重新加密 {total} 个值")

    def _rotate(self, model, field) -> int:
        table, column, pk = (connection.ops.quote_name(n) for n in
                             (model._meta.db_table, field.column, model._meta.pk.column))
        done, last = 0, None
        while True:
            with connection.cursor() as cursor:
                where = f"WHERE {pk} > %s" if last is not None else ""
                cursor.execute(f"SELECT {pk}, {column} FROM {table} {where} ORDER BY {pk} LIMIT {BATCH}",
                               [last] if last is not None else [])
                rows = cursor.fetchall()
            if not rows:
                return done
            stale = [(reencrypt(token), key) for key, token in rows if token and not is_current(token)]
            if stale:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", stale)
            done += len(stale)
            last = rows[-1][0]
