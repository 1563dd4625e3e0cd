/**
 * A compact data dictionary (PS3.6 section 6) of the attributes a chest radiograph
 * viewer shows or needs: enough for the tag browser's keywords and for VR lookup
 * when a file is Implicit VR (PS3.5 7.1.3, where the VR comes from the dictionary).
 * Tags missing here are shown as hex with VR "UN" (or the VR found in the file).
 */

/** A tag as an unsigned 32-bit number (group << 16 | element). */
export type TagNumber = number;

/** [VR, keyword] per tag, from PS3.6 Table 6-1 / 7-1. */
const ENTRIES: ReadonlyArray<readonly [TagNumber, string, string]> = [
  // File Meta Information (PS3.10 7.1)
  [0x00020000, 'UL', 'FileMetaInformationGroupLength'],
  [0x00020001, 'OB', 'FileMetaInformationVersion'],
  [0x00020002, 'UI', 'MediaStorageSOPClassUID'],
  [0x00020003, 'UI', 'MediaStorageSOPInstanceUID'],
  [0x00020010, 'UI', 'TransferSyntaxUID'],
  [0x00020012, 'UI', 'ImplementationClassUID'],
  [0x00020013, 'SH', 'ImplementationVersionName'],
  [0x00020016, 'AE', 'SourceApplicationEntityTitle'],
  // Directory (PS3.3 F.3)
  [0x00041130, 'CS', 'FileSetID'],
  [0x00041200, 'UL', 'OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity'],
  [0x00041202, 'UL', 'OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity'],
  [0x00041212, 'US', 'FileSetConsistencyFlag'],
  [0x00041220, 'SQ', 'DirectoryRecordSequence'],
  [0x00041400, 'UL', 'OffsetOfTheNextDirectoryRecord'],
  [0x00041410, 'US', 'RecordInUseFlag'],
  [0x00041420, 'UL', 'OffsetOfReferencedLowerLevelDirectoryEntity'],
  [0x00041430, 'CS', 'DirectoryRecordType'],
  [0x00041500, 'CS', 'ReferencedFileID'],
  [0x00041510, 'UI', 'ReferencedSOPClassUIDInFile'],
  [0x00041511, 'UI', 'ReferencedSOPInstanceUIDInFile'],
  [0x00041512, 'UI', 'ReferencedTransferSyntaxUIDInFile'],
  // General / SOP Common
  [0x00080005, 'CS', 'SpecificCharacterSet'],
  [0x00080008, 'CS', 'ImageType'],
  [0x00080012, 'DA', 'InstanceCreationDate'],
  [0x00080013, 'TM', 'InstanceCreationTime'],
  [0x00080016, 'UI', 'SOPClassUID'],
  [0x00080018, 'UI', 'SOPInstanceUID'],
  [0x00080020, 'DA', 'StudyDate'],
  [0x00080021, 'DA', 'SeriesDate'],
  [0x00080022, 'DA', 'AcquisitionDate'],
  [0x00080023, 'DA', 'ContentDate'],
  [0x00080030, 'TM', 'StudyTime'],
  [0x00080031, 'TM', 'SeriesTime'],
  [0x00080032, 'TM', 'AcquisitionTime'],
  [0x00080033, 'TM', 'ContentTime'],
  [0x00080050, 'SH', 'AccessionNumber'],
  [0x00080060, 'CS', 'Modality'],
  [0x00080064, 'CS', 'ConversionType'],
  [0x00080068, 'CS', 'PresentationIntentType'],
  [0x00080070, 'LO', 'Manufacturer'],
  [0x00080080, 'LO', 'InstitutionName'],
  [0x00080090, 'PN', 'ReferringPhysicianName'],
  [0x00080100, 'SH', 'CodeValue'],
  [0x00080102, 'SH', 'CodingSchemeDesignator'],
  [0x00080104, 'LO', 'CodeMeaning'],
  [0x00081010, 'SH', 'StationName'],
  [0x00081030, 'LO', 'StudyDescription'],
  [0x0008103e, 'LO', 'SeriesDescription'],
  [0x00081090, 'LO', 'ManufacturerModelName'],
  [0x00081140, 'SQ', 'ReferencedImageSequence'],
  [0x00081150, 'UI', 'ReferencedSOPClassUID'],
  [0x00081155, 'UI', 'ReferencedSOPInstanceUID'],
  [0x00082111, 'ST', 'DerivationDescription'],
  [0x00082218, 'SQ', 'AnatomicRegionSequence'],
  // Patient
  [0x00100010, 'PN', 'PatientName'],
  [0x00100020, 'LO', 'PatientID'],
  [0x00100030, 'DA', 'PatientBirthDate'],
  [0x00100040, 'CS', 'PatientSex'],
  [0x00101010, 'AS', 'PatientAge'],
  [0x00101020, 'DS', 'PatientSize'],
  [0x00101030, 'DS', 'PatientWeight'],
  [0x00104000, 'LT', 'PatientComments'],
  // Acquisition / equipment
  [0x00180015, 'CS', 'BodyPartExamined'],
  [0x00180060, 'DS', 'KVP'],
  [0x00181000, 'LO', 'DeviceSerialNumber'],
  [0x00181020, 'LO', 'SoftwareVersions'],
  [0x00181110, 'DS', 'DistanceSourceToDetector'],
  [0x00181111, 'DS', 'DistanceSourceToPatient'],
  [0x00181114, 'DS', 'EstimatedRadiographicMagnificationFactor'],
  [0x00181150, 'IS', 'ExposureTime'],
  [0x00181151, 'IS', 'XRayTubeCurrent'],
  [0x00181152, 'IS', 'Exposure'],
  [0x00181164, 'DS', 'ImagerPixelSpacing'],
  [0x00181508, 'CS', 'PositionerType'],
  [0x00181600, 'CS', 'ShutterShape'],
  [0x00182010, 'DS', 'NominalScannedPixelSpacing'],
  [0x00185101, 'CS', 'ViewPosition'],
  [0x00187004, 'CS', 'DetectorType'],
  // Study / series / image relationship
  [0x0020000d, 'UI', 'StudyInstanceUID'],
  [0x0020000e, 'UI', 'SeriesInstanceUID'],
  [0x00200010, 'SH', 'StudyID'],
  [0x00200011, 'IS', 'SeriesNumber'],
  [0x00200012, 'IS', 'AcquisitionNumber'],
  [0x00200013, 'IS', 'InstanceNumber'],
  [0x00200020, 'CS', 'PatientOrientation'],
  [0x00200032, 'DS', 'ImagePositionPatient'],
  [0x00200037, 'DS', 'ImageOrientationPatient'],
  [0x00200052, 'UI', 'FrameOfReferenceUID'],
  [0x00200060, 'CS', 'Laterality'],
  [0x00200062, 'CS', 'ImageLaterality'],
  [0x00204000, 'LT', 'ImageComments'],
  // Image Pixel module (PS3.3 C.7.6.3) and friends
  [0x00280002, 'US', 'SamplesPerPixel'],
  [0x00280004, 'CS', 'PhotometricInterpretation'],
  [0x00280006, 'US', 'PlanarConfiguration'],
  [0x00280008, 'IS', 'NumberOfFrames'],
  [0x00280009, 'AT', 'FrameIncrementPointer'],
  [0x00280010, 'US', 'Rows'],
  [0x00280011, 'US', 'Columns'],
  [0x00280030, 'DS', 'PixelSpacing'],
  [0x00280034, 'IS', 'PixelAspectRatio'],
  [0x00280100, 'US', 'BitsAllocated'],
  [0x00280101, 'US', 'BitsStored'],
  [0x00280102, 'US', 'HighBit'],
  [0x00280103, 'US', 'PixelRepresentation'],
  [0x00280106, 'US', 'SmallestImagePixelValue'],
  [0x00280107, 'US', 'LargestImagePixelValue'],
  [0x00280120, 'US', 'PixelPaddingValue'],
  [0x00280121, 'US', 'PixelPaddingRangeLimit'],
  [0x00280300, 'CS', 'QualityControlImage'],
  [0x00280301, 'CS', 'BurnedInAnnotation'],
  [0x00280A02, 'CS', 'PixelSpacingCalibrationType'],
  [0x00280A04, 'LO', 'PixelSpacingCalibrationDescription'],
  [0x00281040, 'CS', 'PixelIntensityRelationship'],
  [0x00281041, 'SS', 'PixelIntensityRelationshipSign'],
  [0x00281050, 'DS', 'WindowCenter'],
  [0x00281051, 'DS', 'WindowWidth'],
  [0x00281052, 'DS', 'RescaleIntercept'],
  [0x00281053, 'DS', 'RescaleSlope'],
  [0x00281054, 'LO', 'RescaleType'],
  [0x00281055, 'LO', 'WindowCenterWidthExplanation'],
  [0x00281056, 'CS', 'VOILUTFunction'],
  [0x00281101, 'US', 'RedPaletteColorLookupTableDescriptor'],
  [0x00281102, 'US', 'GreenPaletteColorLookupTableDescriptor'],
  [0x00281103, 'US', 'BluePaletteColorLookupTableDescriptor'],
  [0x00281199, 'UI', 'PaletteColorLookupTableUID'],
  [0x00281201, 'OW', 'RedPaletteColorLookupTableData'],
  [0x00281202, 'OW', 'GreenPaletteColorLookupTableData'],
  [0x00281203, 'OW', 'BluePaletteColorLookupTableData'],
  [0x00281221, 'OW', 'SegmentedRedPaletteColorLookupTableData'],
  [0x00281222, 'OW', 'SegmentedGreenPaletteColorLookupTableData'],
  [0x00281223, 'OW', 'SegmentedBluePaletteColorLookupTableData'],
  [0x00282110, 'CS', 'LossyImageCompression'],
  [0x00282112, 'DS', 'LossyImageCompressionRatio'],
  [0x00282114, 'CS', 'LossyImageCompressionMethod'],
  [0x00283000, 'SQ', 'ModalityLUTSequence'],
  [0x00283002, 'US', 'LUTDescriptor'],
  [0x00283003, 'LO', 'LUTExplanation'],
  [0x00283004, 'LO', 'ModalityLUTType'],
  [0x00283006, 'US', 'LUTData'],
  [0x00283010, 'SQ', 'VOILUTSequence'],
  // Presentation / SR / encapsulated documents
  [0x00400275, 'SQ', 'RequestAttributesSequence'],
  [0x0040a010, 'CS', 'RelationshipType'],
  [0x0040a040, 'CS', 'ValueType'],
  [0x0040a043, 'SQ', 'ConceptNameCodeSequence'],
  [0x0040a160, 'UT', 'TextValue'],
  [0x0040a491, 'CS', 'CompletionFlag'],
  [0x0040a493, 'CS', 'VerificationFlag'],
  [0x0040a730, 'SQ', 'ContentSequence'],
  [0x00420011, 'OB', 'EncapsulatedDocument'],
  [0x00420012, 'LO', 'MIMETypeOfEncapsulatedDocument'],
  [0x20500020, 'CS', 'PresentationLUTShape'],
  [0x7fe00008, 'OF', 'FloatPixelData'],
  [0x7fe00009, 'OD', 'DoubleFloatPixelData'],
  [0x7fe00010, 'OW', 'PixelData'],
  [0xfffee000, '', 'Item'],
  [0xfffee00d, '', 'ItemDelimitationItem'],
  [0xfffee0dd, '', 'SequenceDelimitationItem'],
];

const byTag = new Map<TagNumber, { vr: string; keyword: string }>();
const byKeyword = new Map<string, TagNumber>();
for (const [tag, vr, keyword] of ENTRIES) {
  byTag.set(tag, { vr, keyword });
  byKeyword.set(keyword, tag);
}

/** Dictionary entry for a tag, or undefined when the tag is private or not in this compact dictionary. */
export function lookupTag(tag: TagNumber): { vr: string; keyword: string } | undefined {
  const hit = byTag.get(tag >>> 0);
  if (hit) return hit;
  // Group length elements (gggg,0000) are UL in every group (PS3.5 7.2).
  if ((tag & 0xffff) === 0 && (tag >>> 16) % 2 === 0) return { vr: 'UL', keyword: 'GroupLength' };
  return undefined;
}

/** The tag of a dictionary keyword (e.g. "PatientName"), or undefined. */
export function tagForKeyword(keyword: string): TagNumber | undefined {
  return byKeyword.get(keyword);
}

/** "(GGGG,EEEE)" in upper-case hex, the notation of PS3.6. */
export function formatTag(tag: TagNumber): string {
  const t = tag >>> 0;
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `(${hex(t >>> 16)},${hex(t & 0xffff)})`;
}

/** Parses "(GGGG,EEEE)", "GGGG,EEEE", "GGGGEEEE" or dicom-parser's "xGGGGEEEE" into a tag number. */
export function parseTag(text: string): TagNumber | undefined {
  const m = /^\(?x?([0-9a-fA-F]{4}),?([0-9a-fA-F]{4})\)?$/.exec(text.trim());
  if (!m) return undefined;
  return ((parseInt(m[1], 16) << 16) | parseInt(m[2], 16)) >>> 0;
}

/** True for private tags: odd group numbers (PS3.5 7.8). */
export function isPrivateTag(tag: TagNumber): boolean {
  return ((tag >>> 16) & 1) === 1;
}
