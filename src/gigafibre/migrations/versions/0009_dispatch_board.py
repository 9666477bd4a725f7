"""dispatch board

Revision ID: 0009
Revises: 0008a
Create Date: 2026-11-29 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The job templates every installation starts with (editable afterwards on /ops/dispatch/templates).
TEMPLATES = [
    ("fibre_install", "Installation fibre", "Fibre installation", 150, ["fibre_install"], [
        ("Vérifier l'entrée du câble avec le client", "Check the cable entry with the customer"),
        ("Poser et raccorder l'ONT", "Mount and connect the ONT"),
        ("Mesurer le signal optique (Rx)", "Measure the optical signal (Rx)"),
        ("Installer et configurer le routeur Wi-Fi", "Install and configure the Wi-Fi router"),
        ("Test de vitesse avec le client", "Speed test with the customer"),
    ]),
    ("repair", "Réparation", "Repair", 75, ["repair"], [
        ("Mesurer le signal optique (Rx)", "Measure the optical signal (Rx)"),
        ("Inspecter et nettoyer les connecteurs", "Inspect and clean the connectors"),
        ("Vérifier l'ONT et le routeur", "Check the ONT and the router"),
        ("Confirmer le service avec le client", "Confirm the service with the customer"),
    ]),
    ("drop_replacement", "Remplacement du branchement", "Drop replacement", 120,
     ["splicing", "aerial"], [
        ("Localiser le bris du branchement", "Locate the drop fault"),
        ("Tirer le nouveau câble de branchement", "Pull the new drop cable"),
        ("Épisser aux deux extrémités", "Splice both ends"),
        ("Mesurer le signal optique (Rx)", "Measure the optical signal (Rx)"),
    ]),
    ("equipment_swap", "Échange d'équipement", "Equipment swap", 45, ["repair"], [
        ("Récupérer l'équipement défectueux", "Collect the faulty equipment"),
        ("Installer et balayer le nouvel équipement", "Install and scan the new equipment"),
        ("Confirmer le service avec le client", "Confirm the service with the customer"),
    ]),
    ("site_survey", "Visite de faisabilité", "Site survey", 60, ["fibre_install"], [
        ("Repérer le poteau ou le piédestal", "Locate the pole or pedestal"),
        ("Évaluer le parcours de la fibre", "Assess the fibre route"),
        ("Photographier l'entrée du câble", "Photograph the cable entry"),
    ]),
]  # fmt: skip


def upgrade() -> None:
    op.create_table('job_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_fr', sa.String(length=140), nullable=False),
    sa.Column('label_en', sa.String(length=140), nullable=False),
    sa.Column('default_duration_minutes', sa.Integer(), nullable=False),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('default_checklist', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_template')),
    sa.UniqueConstraint('code', name=op.f('uq_job_template_code'))
    )
    op.create_table('technician_absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['technician_id'], ['technician.id'], name=op.f('fk_technician_absence_technician_id_technician'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technician_absence'))
    )
    with op.batch_alter_table('technician_absence', schema=None) as batch_op:
        batch_op.create_index('ix_technician_absence_period', ['technician_id', 'start', 'end'], unique=False)

    op.create_table('dispatch_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('routes', sa.JSON(), nullable=False),
    sa.Column('unassigned', sa.JSON(), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=False),
    sa.Column('travel_seconds', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_plan'))
    )
    with op.batch_alter_table('dispatch_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_plan_day'), ['day'], unique=False)

    with op.batch_alter_table('dispatch_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tags', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('checklist', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('route_position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('planned_arrival', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.create_index(batch_op.f('ix_dispatch_job_template_id'), ['template_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dispatch_job_template_id_job_template'), 'job_template', ['template_id'], ['id'], ondelete='SET NULL')

    template_table = sa.table(
        'job_template',
        sa.column('code', sa.String()),
        sa.column('label_fr', sa.String()),
        sa.column('label_en', sa.String()),
        sa.column('default_duration_minutes', sa.Integer()),
        sa.column('required_skills', sa.JSON()),
        sa.column('default_checklist', sa.JSON()),
        sa.column('active', sa.Boolean()),
    )
    op.bulk_insert(template_table, [
        {
            'code': code,
            'label_fr': label_fr,
            'label_en': label_en,
            'default_duration_minutes': minutes,
            'required_skills': skills,
            'default_checklist': [{'fr': fr, 'en': en} for fr, en in checklist],
            'active': True,
        }
        for code, label_fr, label_en, minutes, skills, checklist in TEMPLATES
    ])
    op.execute(
        "UPDATE dispatch_job SET template_id = "
        "(SELECT id FROM job_template WHERE job_template.code = dispatch_job.job_type)"
    )


def downgrade() -> None:
    with op.batch_alter_table('dispatch_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dispatch_job_template_id_job_template'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dispatch_job_template_id'))
        batch_op.drop_column('sequence')
        batch_op.drop_column('locked')
        batch_op.drop_column('planned_arrival')
        batch_op.drop_column('route_position')
        batch_op.drop_column('checklist')
        batch_op.drop_column('tags')
        batch_op.drop_column('template_id')

    with op.batch_alter_table('dispatch_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_plan_day'))
    op.drop_table('dispatch_plan')
    with op.batch_alter_table('technician_absence', schema=None) as batch_op:
        batch_op.drop_index('ix_technician_absence_period')
    op.drop_table('technician_absence')
    op.drop_table('job_template')
