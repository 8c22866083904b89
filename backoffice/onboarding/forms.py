"""Forms for the public registration page and the console's invitation and account pages."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional


def _required(what: str):
    return DataRequired(f"请填写{what}")


class JoinForm(FlaskForm):
    name = StringField("组织名称", validators=[_required("组织名称"), Length(max=120, message="名称不能超过 120 个字")],
                       description="与营业执照或登记证书上的名称一致")
    # Choices are the kinds this link allows; other values reach the service, which explains the refusal.
    kind = SelectField("组织类型", validate_choice=False)
    credit_code = StringField("统一社会信用代码", validators=[_required("统一社会信用代码"), Length(max=40)],
                              description="18 位，见营业执照或登记证书")
    address = StringField("地址", validators=[_required("地址"), Length(max=255)])
    contact_name = StringField("联系人", validators=[_required("联系人"), Length(max=60)])
    contact_mobile = StringField("手机号码", validators=[_required("手机号码"), Length(max=20)])
    username = StringField("管理员用户名", validators=[_required("管理员用户名"), Length(max=60)],
                           description="以字母开头，可含字母、数字、下划线；审核通过后用它登录")
    password = PasswordField("登录密码", validators=[_required("登录密码"), Length(max=200)],
                             description="至少 10 个字符，包含大写字母、小写字母、数字、符号中的至少三类")
    confirm = PasswordField("确认密码", validators=[EqualTo("password", "两次输入的密码不一致")])


class InvitationForm(FlaskForm):
    kind = SelectField("邀请谁注册", choices=[("union", "下级工会"), ("enterprise", "企业")], default="enterprise")
    note = StringField("备注（可选）", validators=[Optional(), Length(max=255)], description="例如：发给某街道的企业")
    days = IntegerField("有效期（天）", default=30, validators=[
        Optional(), NumberRange(1, 365, "有效期应在 1 到 365 天之间")])
    max_uses = IntegerField("最多可注册数量", validators=[Optional(), NumberRange(min=1, message="至少为 1")],
                            description="留空表示不限数量")


class RejectForm(FlaskForm):
    reason = TextAreaField("驳回原因", validators=[_required("驳回原因"), Length(max=500)])


class AccountForm(FlaskForm):
    username = StringField("用户名", validators=[_required("用户名"), Length(max=60)])
    display_name = StringField("姓名", validators=[Optional(), Length(max=60)])
    role = SelectField("角色", choices=[("admin", "管理员"), ("reviewer", "审核员")], default="admin")
