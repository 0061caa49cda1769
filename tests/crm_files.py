"""Small CRM CSV files for the import/export tests."""

from __future__ import annotations

from pathlib import Path

FILES = {
    "users.csv": "id,name,email,role,segment,region,slack_user_id,active,manager_id\n"
    "u-1,Ann AE,ann@us.com,AE,Mid-Market,EMEA,U1,true,u-2\n"
    "u-2,Bob Manager,bob@us.com,Manager,,,,yes,\n",
    "accounts.csv": "id,name,website,type,segment,owner_id,is_target,parent_id,industry,employees,country\n"
    "a-1,Acme Inc,https://www.acme.com/,Customer,Large,u-1,false,,Software,1200,US\n"
    "a-2,Beta GmbH,beta.de,Prospect,SMB,u-1,TRUE,a-1,Retail,40,DE\n",
    "contacts.csv": "id,account_id,first_name,last_name,email,title,linkedin_url,owner_id,email_opt_out,"
    "created_at\n"
    "c-1,a-1,Jane,Doe,Jane.Doe@Acme.com,CTO,https://www.linkedin.com/in/Jane-Doe/,u-1,false,"
    "2024-03-01T10:00:00.000+0000\n"
    "c-2,a-2,Max,Muster,max@beta.de,VP IT,,u-1,no,2024-03-02\n",
    "opportunities.csv": "id,account_id,name,stage,type,is_closed,is_won,amount,created_at,close_date,"
    "owner_id\n"
    "o-1,a-1,Acme expansion,3-Technical Evaluation,Add-On,false,false,50000.5,2024-01-01T00:00:00Z,"
    "2024-06-30,u-1\n"
    "o-2,a-2,Beta new,Closed Won,New Business,true,true,1000,,2024-02-01,u-1\n",
    "opportunity_contact_roles.csv": "opportunity_id,contact_id,role,is_primary\n"
    "o-1,c-1,Decision Maker,true\no-2,c-2,Champion,0\n",
    "leads.csv": "id,first_name,last_name,email,company,title,linkedin_url,status,lead_source,owner_id,"
    "created_at\n"
    "l-1,Lea,Lead,LEA@gamma.io,Gamma,CEO,linkedin.com/in/lea-lead,Open,Web,u-1,2024-04-01\n",
    "activities.csv": "id,who_id,type,occurred_at,owner_id,subject,opportunity_id\n"
    "act-1,c-1,Email,2024-05-01T09:30:00,u-1,Hello,o-1\nact-2,l-1,Call,2024-05-02,u-1,Intro,\n",
}


def write_crm_files(directory: Path) -> Path:
    """Write the seven canonical files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory
