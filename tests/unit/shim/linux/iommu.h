/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOMMU core's types that the module's structs embed; the mock
 * (mock_iommu.h) defines the rest.
 */
#include "../kshim.h"

#ifndef KSHIM_IOMMU_H
#define KSHIM_IOMMU_H
struct iommu_domain;
struct iommu_group;

struct iommu_attach_handle {
	struct iommu_domain *domain;
};

#define IOMMU_NO_PASID 0

/* The mock core's (mock_iommu.c). */
int iommu_group_id(struct iommu_group *group);
struct iommu_group *iommu_group_ref_get(struct iommu_group *group);
void iommu_group_put(struct iommu_group *group);
#endif
