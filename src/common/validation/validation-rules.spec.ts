import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import '../../app.module.js'; // loads every DTO, query, message and settings class of the application

/**
 * Rules every validated class of the application keeps, checked over class-validator's own metadata so that a class
 * added later is held to them too: a 500 must never come from a value that validation let through.
 */
type Validated = new () => object;

const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, ValidationMetadata[]> };
const classes = [...storage.validationMetadatas.keys()].filter(
  (target): target is Validated => typeof target === 'function' && target.name !== '',
);

/** Fields where the contract gives `null` a meaning (UpdateClusterBody's are declared on PartialType's class). */
const NULLABLE = ['RegisterClusterBody.description', 'PartialRegisterClusterBody.description'];

function metadataOf(target: Validated): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
}

describe('validated classes', () => {
  it('are found', () => {
    expect(classes.map((target) => target.name)).toEqual(
      expect.arrayContaining([
        'ListPodsQuery',
        'RegisterClusterBody',
        'PartialRegisterClusterBody',
        'PodWatchSubscribeMessage',
        'HttpEnv',
      ]),
    );
  });

  it('give every integer a maximum', () => {
    const unbounded = classes.flatMap((target) => {
      const metadata = metadataOf(target);
      return metadata
        .filter((rule) => rule.name === 'isInt')
        .filter((rule) => !metadata.some((other) => other.propertyName === rule.propertyName && other.name === 'max'))
        .map((rule) => `${target.name}.${rule.propertyName}`);
    });
    expect(unbounded).toEqual([]);
  });

  it('refuse null, except where the contract gives it a meaning', () => {
    const acceptingNull = classes.flatMap((target) => {
      const properties = new Set(metadataOf(target).map((rule) => rule.propertyName));
      return [...properties]
        .filter((property) => {
          const errors = validateSync(plainToInstance(target, { [property]: null }), { forbidUnknownValues: false });
          return !errors.some((error) => error.property === property);
        })
        .map((property) => `${target.name}.${property}`);
    });
    expect(acceptingNull.sort()).toEqual([...NULLABLE].sort());
  });
});
