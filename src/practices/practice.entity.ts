import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Practice-wide settings; each has a default so a new practice works without configuring any. */
export interface PracticeSettings {
  [key: string]: unknown;
}

@Entity({ name: 'practices' })
@Check('ck_practices_name_not_blank', 'length(btrim(name)) > 0')
@Check('ck_practices_settings_object', `jsonb_typeof(settings) = 'object'`)
export class Practice {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_practices' })
  id!: string;

  @Column('text')
  name!: string;

  @Column('text', { default: 'UTC' })
  timeZone!: string;

  @Column('jsonb', { default: {} })
  settings!: PracticeSettings;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
