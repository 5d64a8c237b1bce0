import {
  Check,
  JoinColumn,
  ManyToOne,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { StaffRole } from '../common/actor/actor';
import { Practice } from '../practices/practice.entity';

@Entity({ name: 'staff' })
@Unique('uq_staff_practice_id', ['practiceId', 'id'])
@Index('uq_staff_email', ['email'], { unique: true })
@Index('ix_staff_practice_name', ['practiceId', 'lastName', 'firstName', 'id'])
@Index('ix_staff_practice_supervisor', ['practiceId', 'supervisorId'], {
  where: 'supervisor_id IS NOT NULL',
})
@Check('ck_staff_role', `role IN ('admin', 'supervisor', 'counselor', 'intake_coordinator')`)
@Check('ck_staff_email_normalized', `email = lower(btrim(email)) AND email LIKE '%_@_%'`)
@Check('ck_staff_not_own_supervisor', 'supervisor_id IS NULL OR supervisor_id <> id')
@Check('ck_staff_deactivation', 'active OR deactivated_at IS NOT NULL')
export class Staff {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_staff' })
  id!: string;

  @Column('uuid')
  practiceId!: string;

  // Declared so the schema check knows the foreign keys; never loaded implicitly.
  @ManyToOne(() => Practice, { nullable: false })
  @JoinColumn({ name: 'practice_id', foreignKeyConstraintName: 'fk_staff_practice' })
  practice?: Practice;

  @Column('text')
  email!: string;

  @Column('text')
  firstName!: string;

  @Column('text')
  lastName!: string;

  @Column('text')
  role!: StaffRole;

  @Column('uuid', { nullable: true })
  supervisorId!: string | null;

  @ManyToOne(() => Staff)
  @JoinColumn([
    {
      name: 'practice_id',
      referencedColumnName: 'practiceId',
      foreignKeyConstraintName: 'fk_staff_supervisor',
    },
    {
      name: 'supervisor_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'fk_staff_supervisor',
    },
  ])
  supervisor?: Staff;

  @Column('boolean', { default: false })
  requiresCosign!: boolean;

  @Column('text', { nullable: true, select: false })
  passwordHash!: string | null;

  @Column('timestamptz', { nullable: true })
  passwordChangedAt!: Date | null;

  @Column('boolean', { default: true })
  active!: boolean;

  @Column('timestamptz', { nullable: true })
  deactivatedAt!: Date | null;

  @Column('integer', { default: 0 })
  failedLoginCount!: number;

  @Column('timestamptz', { nullable: true })
  lockedUntil!: Date | null;

  @Column('integer', { default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
