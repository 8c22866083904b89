"""Form conversion for the console: enumerations as Chinese select boxes that keep the stored value."""
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField, Select2Field
from flask_admin.model.form import converts
from flask_wtf import FlaskForm
from wtforms import StringField, validators

from ..domain.clock import from_beijing, to_beijing
from ..domain.enums import ENUM_LABELS


class BeijingDateTimeField(DateTimeField):
    """Stored as naive UTC, typed and shown as Beijing time (a clerk in Guangzhou never converts by hand)."""

    def _value(self):
        if self.raw_data or self.data is None:
            return super()._value()
        return to_beijing(self.data).strftime(self.format[0])

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = from_beijing(self.data)


class ModelConverter(AdminModelConverter):
    # flask-admin coerces enum data by member *name* while offering the stored *values*, so an edit form never
    # showed the current choice and a browser would submit the first option instead.
    @converts("Enum")
    def convert_enum(self, column, field_args, **extra):
        enum_cls = getattr(column.type, "enum_class", None)
        if enum_cls is None:
            return super().convert_enum(column, field_args, **extra)
        labels = ENUM_LABELS.get(enum_cls, {})
        self._nullable_common(column, field_args)
        field_args["choices"] = [(m.value, labels.get(m, m.value)) for m in enum_cls]
        field_args["coerce"] = lambda v: v if v is None or isinstance(v, enum_cls) else enum_cls(v)
        field_args["allow_blank"] = bool(column.nullable)
        return Select2Field(**field_args)


    # An encrypted number is typed as text and limited to the plaintext's length (models.encrypted); without this
    # flask-admin finds no converter and leaves the field off the form.
    @converts("EncryptedString")
    def convert_encrypted(self, column, field_args, **extra):
        self._nullable_common(column, field_args)
        field_args["validators"].append(validators.Length(max=column.type.max_chars))
        return StringField(**field_args)

    @converts("DateTime")
    def convert_datetime(self, field_args, **extra):
        field_args.setdefault("description", "北京时间")
        return BeijingDateTimeField(**field_args)


class ConsoleForm(FlaskForm):
    """Flask-WTF's CSRF (the token the app-wide CSRFProtect checks) plus what flask-admin's BaseForm keeps.

    flask-admin's Unique validator compares against `form._obj`; without it every edit of a row with a unique
    column failed as "already exists".
    """

    def __init__(self, formdata=None, obj=None, prefix="", **kwargs):
        self._obj = obj
        if formdata is None:
            super().__init__(obj=obj, prefix=prefix, **kwargs)  # let Flask-WTF read the request itself
        else:
            super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)
