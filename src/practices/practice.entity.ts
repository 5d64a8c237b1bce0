import {
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
export class Practice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  timeZone!: string;

  @Column('jsonb')
  settings!: PracticeSettings;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
