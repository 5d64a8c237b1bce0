import { Practice } from '../practices/practice.entity';
import { Staff } from '../staff/staff.entity';

/** Every entity class, registered explicitly so that the app, the migration CLI and jest agree. */
export const entities = [Practice, Staff];
