from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategies", "0003_move_strategy_files_to_documents")]

    operations = [migrations.RemoveField(model_name="strategy", name="document")]
